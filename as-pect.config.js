// as-pect runs every wasm-tests/**/*.spec.ts against the AssemblyScript sources in assembly/.
export default {
  entries: ["wasm-tests/**/*.spec.ts"],
  include: ["wasm-tests/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};

import { ArgumentError } from "../../runtime/errors.js";
import type { Adjoint } from "./adjoint.js";
import { BackpropAdjoint } from "./backprop.js";
import { ReversibleAdjoint } from "./reversible.js";

export type { Adjoint } from "./adjoint.js";
export { BackpropAdjoint } from "./backprop.js";
export { ReversibleAdjoint } from "./reversible.js";

/** The adjoint a configuration names: "backprop", or "adjoint" / "reversible" (the memory-constant one). */
export function makeAdjoint(name: "backprop" | "adjoint" | "reversible"): Adjoint {
  switch (name) {
    case "backprop": return new BackpropAdjoint();
    case "adjoint":
    case "reversible": return new ReversibleAdjoint();
    default: throw new ArgumentError(`unknown gradient method '${String(name)}': expected backprop or adjoint`);
  }
}

// The bench config of bench/uci.mjs (UCI Boston housing on the tabular kind), as run-config
// overrides. Chosen on validation shares of the training parts (node bench/uci.mjs --tune),
// never on a test part: see bench/results/uci.md for the log.
export const UCI_BOSTON = {
  sigma: 0.1,
  config: {
    "model.width": 50, "model.depth": 2, "model.nnHidden": 32, "model.steps": 4, "model.augment": 2,
    "train.epochs": 40, "train.batch": 32, "train.lr": 3e-3, "train.samples": 2, "train.schedule": "cosine",
    "eval.samples": 32, "train.klCoef": 1,
  },
};

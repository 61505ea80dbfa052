// The bench config of bench/uci.mjs (UCI Boston housing on the tabular kind), as run-config
// overrides. Chosen on validation shares of the training parts (node bench/uci.mjs --tune: the
// Trainer's seeded data.valFraction 0.1 split of each training part; splits 0..9 in the first
// session, 0..19 in the second and third), never on a test part: see bench/results/uci.md for the log.
// The ODE limit runs the same config with sigma 0.
export const UCI_BOSTON = {
  sigma: 0.3,
  config: {
    "model.width": 50, "model.depth": 2, "model.nnHidden": 32, "model.steps": 4, "model.augment": 2,
    "model.sigma": 0.3, "model.likelihood": "heteroscedastic",
    "train.epochs": 80, "train.batch": 32, "train.lr": 1e-2, "train.samples": 4, "train.schedule": "cosine",
    "train.weightDecay": 0.1,
    "eval.samples": 32, "train.klCoef": 1,
  },
};

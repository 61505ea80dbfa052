"""The image SDE-BNN of src/models/image.ts in PyTorch: the same parameters (names, shapes, flat
layouts, order), the same maths.

zero-padded channels -> groups of SDE-BNN blocks (space-to-depth x2 between groups) -> flatten ->
mean-field Bayesian Dense(classes) -> log-softmax. Parameters, in sdebnn's order:
  g{g}.b{b}.nn [P]           hypernetwork phi (sigma > 0 only), CSL(D->b) sp CSL(b->m) sp CSL(m->b) sp CSL(b->D, zero)
  g{g}.b{b}.w0 [D]           w_0 of f_h = CC3x3(C->h) sp CC3x3/2(h->h) sp CCT3x3/2(h->h) sp CC3x3(h->C)
  g{g}.b{b}.w0_logstd [D]    (model.w0 "meanfield")
  head.W [F, K], head.b [K], head.W_logstd [F, K], head.b_logstd [K]   (the logstds: head "meanfield")
Every Monte-Carlo sample has its own weight path per block and its own head draw, shared by the
batch. model.diffusionScale "init" scales weight i's diffusion by its init std s_i (prior and
posterior alike, u_i = NN_i / (sigma s_i) in the path KL), as src/sde/diffusion_scale.ts. The randomness comes from a noise source (noise.py): sdebnn's own draws replayed, or torch's.
"""
import torch
import torch.nn.functional as F

from .errors import ConfigError
from .layers import ConcatConv2d, ConcatConvTranspose2d, ConcatSquash, Softplus, Stack, init_diffusion_scales
from .parts import BAYES_INIT_LOGSTD, ParamModel, solve_block


def image_block_drift(C, H, W, hidden):
    """f_h of an image block ("block type 0", SPEC section 2): output shape = input shape."""
    if H % 2 or W % 2:
        raise ConfigError(f"model: a block needs an even spatial size for its stride-2 pair, got {H}x{W}")
    c1 = ConcatConv2d(C, hidden, H, W, 3, 1, 1)
    c2 = ConcatConv2d(hidden, hidden, H, W, 3, 2, 1)
    c3 = ConcatConvTranspose2d(hidden, hidden, c2.out_shape[1], c2.out_shape[2], 3, 2, 1, 1)
    c4 = ConcatConv2d(hidden, C, H, W, 3, 1, 1)
    return Stack([c1, Softplus(c1.out_shape), c2, Softplus(c2.out_shape), c3, Softplus(c3.out_shape), c4])


def image_hypernet(D, bottleneck, hidden):
    return Stack([ConcatSquash(D, bottleneck), Softplus((bottleneck,)), ConcatSquash(bottleneck, hidden),
                  Softplus((hidden,)), ConcatSquash(hidden, bottleneck), Softplus((bottleneck,)),
                  ConcatSquash(bottleneck, D, 0.0)])


class ImageSdeBnn(ParamModel):
    def __init__(self, model_cfg, generator=None):
        super().__init__()
        m = self.cfg = model_cfg
        if m.get("arch", "sdebnn") != "sdebnn":
            raise ConfigError(f"model.arch: the PyTorch companion implements the SDE-BNN blocks only (sdebnn), got {m['arch']!r}")
        gen = generator if generator is not None else torch.Generator().manual_seed(0)
        add = self.add
        C, H, W = m["channels"] + m["augment"], m["height"], m["width"]
        self.in_shape = (C, H, W)
        self.blocks = []
        for g, count in enumerate(m["groups"]):
            for b in range(count):
                f_h = image_block_drift(C, H, W, m["hidden"])
                D = f_h.param_count
                net = None
                name = f"g{g}.b{b}"
                if m["sigma"] > 0:
                    net = image_hypernet(D, m["nnBottleneck"], m["nnHidden"])
                    add(f"{name}.nn", net.init(gen))
                add(f"{name}.w0", f_h.init(gen))
                if m["w0"] == "meanfield":
                    add(f"{name}.w0_logstd", torch.full((D,), BAYES_INIT_LOGSTD))
                squeeze = b == count - 1 and g < len(m["groups"]) - 1
                # model.diffusionScale "init": weight i diffuses with sigma s_i, s_i its init std
                scale = init_diffusion_scales(f_h) if m.get("diffusionScale") == "init" else None
                self.blocks.append(dict(name=name, f_h=f_h, net=net, D=D, shape=(C, H, W), squeeze=squeeze, scale=scale))
            if g < len(m["groups"]) - 1:
                if H % 2 or W % 2:
                    raise ConfigError(f"model.groups: a squeeze needs an even size, got {H}x{W} after group {g}")
                C, H, W = C * 4, H // 2, W // 2
        self.features = C * H * W
        self.add_head(self.features, m["classes"], m["head"], gen)
        self.freeze()

    # ---- the model --------------------------------------------------------------------------
    def static_kl(self):
        """Closed-form KLs of q(w_0) (mean-field) and of the head."""
        kl = self.head_kl(self.cfg["headPriorStd"])
        for blk in self.blocks:
            kl = kl + self.w0_kl(blk["name"], self.cfg["priorStdW0"])
        return kl

    def body(self, x, S, noise):
        """x [B, channels, H, W] -> features [S, B, F] and the mean path KL of each block."""
        m = self.cfg
        B = x.shape[0]
        h = F.pad(x, (0, 0, 0, 0, 0, m["augment"])).unsqueeze(0).expand(S, *((B,) + self.in_shape))
        path_kls = []
        for i, blk in enumerate(self.blocks):
            phi = self.p(blk["name"] + ".nn") if blk["net"] is not None else None
            h, kl = solve_block(m, blk["f_h"], blk["net"], phi, h, self.sample_w0(blk["name"], i, S, noise), i, noise, blk["scale"])
            path_kls.append(kl.mean())
            if blk["squeeze"]:
                C, H, W = blk["shape"]
                h = F.pixel_unshuffle(h.reshape(S * B, C, H, W), 2).reshape(S, B, 4 * C, H // 2, W // 2)
        return h.reshape(S, B, -1), path_kls

    def logits(self, feat, noise):
        """[S, B, F] -> [S, B, K]; a mean-field head draws its weights per sample."""
        return self.head_outputs(feat, noise)

    def forward(self, x, labels, noise, samples, kl_coef, dataset_size, row_weight=1.0, kl_weight=1.0):
        """The training loss of a batch, as sdebnn's trainStep:
            loss = row_weight * mean_s NLL_s + kl_weight * (kl_coef / N) * KL,
            KL = KL_head + sum_blocks (mean_s pathKL_s + KL_w0).
        A shard of a larger batch weights its mean NLL by its share of the rows; the KL share
        (kl_weight) of the shards must add up to 1. Returns (loss, stats)."""
        S = samples
        feat, path_kls = self.body(x, S, noise)
        z = self.logits(feat, noise)
        nll = sum(F.cross_entropy(z[s], labels) for s in range(S)) / S
        kl = self.static_kl().to(x.device) + sum(path_kls)
        coef = kl_weight * kl_coef / dataset_size
        loss = row_weight * nll + coef * kl
        correct = (z.argmax(-1) == labels.unsqueeze(0)).sum().item() / S
        return loss, dict(nll=nll.item(), kl=kl.item(), correct=correct)

    def predict_logits(self, feat, noise):
        """[S, B, F] -> [S, B, K] for prediction, as sdebnn's BayesHead.predictLogits: a mean-field
        head draws every logit from its Gaussian given the features (local reparameterisation),
        N(x mu + mu_b, (x * x) exp(2 logstd_W) + exp(2 logstd_b)), sample s taking the first K
        normals of its head stream, shared by its rows. Per row the distribution of a weight draw,
        and a row's value does not depend on the other rows."""
        m, K = self.cfg, self.cfg["classes"]
        W, b = self.p("head.W"), self.p("head.b")
        if m["head"] != "meanfield":
            return feat @ W + b
        var = (feat * feat) @ torch.exp(2 * self.p("head.W_logstd")) + torch.exp(2 * self.p("head.b_logstd"))
        eps = torch.stack([noise.head(s, K) for s in range(feat.shape[0])]).to(feat.device)   # [S, K]
        return feat @ W + b + torch.sqrt(var) * eps[:, None, :]

    @torch.no_grad()
    def predict(self, x, noise, samples):
        """Per-sample class probabilities [S, B, K]."""
        feat, _ = self.body(x, samples, noise)
        return torch.softmax(self.predict_logits(feat, noise), -1)

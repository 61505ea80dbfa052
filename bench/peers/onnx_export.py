"""Exports the PyTorch peer's mnist model (bench/peers/torch_sdebnn.py, ImageModel: 10 fixed Euler
steps) for inference as ONNX, every step unrolled by tracing, with the randomness as inputs:

  x      [B, 1, 28, 28]   images
  noise  [10, S, D]       standard normals of the Brownian increments (dB = sqrt(dt) noise[k])
  headW  [S, 2352, 10]    standard normals of the mean-field head's weights
  headB  [S, 10]          ... and biases
  -> probs [B, 10]        softmax averaged over the S samples

Weights: the peer's fixed-seed initialisation (torch.manual_seed(0)); the bench times inference
only, so any weights of the right shapes do. S and B are fixed per file (S = 16, B = 1: latency;
S = 1, B = 256: throughput). Opset 13.

  /usr/bin/python3 bench/peers/onnx_export.py OUT_DIR   (writes OUT_DIR/sdebnn_s16_b1.onnx, sdebnn_s1_b256.onnx)
"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_sdebnn import ImageModel  # noqa: E402


class Unrolled(torch.nn.Module):
    def __init__(self, m, S, steps=10):
        super().__init__()
        self.m, self.S, self.steps = m, S, steps

    def forward(self, x, noise, headW, headB):
        logits, _ = self.m.forward(x, self.S, self.steps, noise=noise, head_noise=(headW, headB))
        return torch.softmax(logits, -1).mean(0)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    m = ImageModel()
    for p in m.params:
        p.requires_grad_(False)
    for S, B in ((16, 1), (1, 256)):
        args = (torch.rand(B, 1, 28, 28), torch.randn(10, S, m.D), torch.randn(S, 28 * 28 * m.C, m.K), torch.randn(S, m.K))
        path = os.path.join(out, f"sdebnn_s{S}_b{B}.onnx")
        torch.onnx.export(Unrolled(m, S), args, path, opset_version=13, input_names=["x", "noise", "headW", "headB"],
                          output_names=["probs"], do_constant_folding=True)
        print(path, os.path.getsize(path), m.D)


if __name__ == "__main__":
    main()

"""PyTorch leg of bench/train.ts: the same model, data shape and optimiser on one CPU thread.

Usage: python3 bench/train_torch.py CELL UNITS BATCHES  -> one JSON line {"msPerBatch": ...}
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
cell, units, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
T, B, F, K = 64, 32, 6, 4


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        rnn = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
        self.rnn = rnn(F, units, batch_first=True)
        self.head = torch.nn.Linear(units, K)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


net = Net().double()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x = torch.randn(B, T, F, dtype=torch.float64)
y = torch.randint(0, K, (B,))


def step():
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()


for _ in range(3):
    step()
start = time.perf_counter()
for _ in range(batches):
    step()
print(json.dumps({"msPerBatch": (time.perf_counter() - start) * 1000 / batches}))

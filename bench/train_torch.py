"""PyTorch leg of bench/train.ts: the same model, data shape and optimiser on one CPU thread.

Usage: python3 bench/train_torch.py CELL UNITS REPS REP_MS
  -> one JSON line {"float64": ms, "float32": ms}: for each dtype the median over REPS
     timed repetitions of milliseconds per batch; each repetition runs enough batches to
     take about REP_MS milliseconds. The two dtypes' repetitions alternate, so a change in
     the machine's load reaches both.
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
cell, units, reps, rep_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
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


def leg(dtype):
    net = Net().to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(B, T, F, dtype=dtype)
    y = torch.randint(0, K, (B,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    step()
    per = max(1, round(rep_ms / ((time.perf_counter() - start) * 1000)))

    def rep():
        start = time.perf_counter()
        for _ in range(per):
            step()
        return (time.perf_counter() - start) * 1000 / per

    return rep


legs = {"float64": leg(torch.float64), "float32": leg(torch.float32)}
times = {name: [] for name in legs}
for _ in range(reps):
    for name, rep in legs.items():
        times[name].append(rep())
print(json.dumps({name: statistics.median(t) for name, t in times.items()}))

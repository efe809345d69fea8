#!/usr/bin/python3
"""The PyTorch side of bench/peer.ts: PyTorch's own int8 quantization of the same float models.

    /usr/bin/python3 bench/peer_torch.py JOBS.json      (bench/peer.ts writes JOBS.json and reads stdout)
    /usr/bin/python3 bench/peer_torch.py export DIR     (writes the stress models' ONNX exports to DIR)
    /usr/bin/python3 bench/peer_torch.py stream MODEL.json INPUT.f32 PREFIX [ENGINE|all]   (bench/drift.ts)

Each job names an rnnc float model.json (imported from a PyTorch ONNX export, or trained by rnnc),
its input sequences and rnnc's float outputs on them. The model is rebuilt as torch modules from
the float weights in model.json (the IR keeps PyTorch's gate orders, so nn.LSTM / nn.GRU / nn.RNN /
nn.Linear / nn.Conv1d take the matrices as they are), checked against rnnc's float outputs, then
quantized with torch.ao.quantization.quantize_dynamic (int8 weights, float activations quantized on
the fly) under every engine this torch offers. Rebuilding from model.json rather than re-running the
fixture scripts means the comparison is on the very weights rnnc quantized, for trained models too.

Prints one JSON object: {"torch": version, "engines": [...], "results": [{"name", "floatDiff",
"engines": {engine: maxAbsError}, "kept": [module types left in float]}
or {"name", "skip": reason}]}.
"""
import copy
import json
import sys

try:
    import numpy
    import torch
    from torch import nn
except ImportError:  # bench/peer.ts tells python3-torch's absence from this exit code
    sys.exit(3)


class Recurrent(nn.Module):
    """One rnnc recurrent layer: the torch module plus rnnc's direction, merge and last-output rules."""

    def __init__(self, layer, inputs):
        super().__init__()
        kind, units, bi = layer['type'], layer['units'], layer.get('bidirectional')
        kw = dict(batch_first=True, bidirectional=bi is not None)
        if kind == 'lstm':
            self.rnn = nn.LSTM(inputs, units, **kw)
        elif kind == 'gru':
            self.rnn = nn.GRU(inputs, units, **kw)
        else:
            self.rnn = nn.RNN(inputs, units, nonlinearity=layer.get('activation', 'tanh'), **kw)
        self.units, self.bi, self.kind = units, bi, kind
        self.seq = layer.get('returnSequences', False)
        self.reverse = layer.get('reverse', False)
        self.last_index = layer.get('lastOutput') == 'last-index'
        dirs = [('', layer['weights'])] + ([('_reverse', layer['backwardWeights'])] if bi else [])
        h0, c0 = [], []
        with torch.no_grad():
            for suffix, w in dirs:
                getattr(self.rnn, 'weight_ih_l0' + suffix).copy_(torch.tensor(w['kernel']))
                getattr(self.rnn, 'weight_hh_l0' + suffix).copy_(torch.tensor(w['recurrentKernel']))
                getattr(self.rnn, 'bias_ih_l0' + suffix).copy_(torch.tensor(w['bias']))
                # rnnc keeps one bias where torch has two (LSTM, RNN): the second is zero.
                rb = w.get('recurrentBias')
                getattr(self.rnn, 'bias_hh_l0' + suffix).copy_(torch.tensor(rb) if rb else torch.zeros(len(w['bias'])))
                h0.append(w.get('initialH', [0.0] * units))
                c0.append(w.get('initialC', [0.0] * units))
        self.register_buffer('h0', torch.tensor(h0).unsqueeze(1))
        self.register_buffer('c0', torch.tensor(c0).unsqueeze(1))

    def forward(self, x):
        if self.reverse:
            x = torch.flip(x, [1])
        state = (self.h0, self.c0) if self.kind == 'lstm' else self.h0
        y, _ = self.rnn(x, state)
        if self.reverse:
            y = torch.flip(y, [1])
        u = self.units
        if not self.bi:
            return y if self.seq else (y[:, :1] if self.reverse else y[:, -1:])
        f, b = y[..., :u], y[..., u:]
        if not self.seq:
            # 'final': each direction's final state (the backward one's is at t = 0);
            # 'last-index': torch's out[:, -1].
            f, b = f[:, -1:], (b[:, -1:] if self.last_index else b[:, :1])
        return f + b if self.bi == 'sum' else torch.cat((f, b), dim=-1)


class Conv(nn.Module):
    def __init__(self, layer, inputs):
        super().__init__()
        k, d, a = layer['kernelSize'], layer.get('dilation', 1), layer.get('lookahead', 0)
        self.conv = nn.Conv1d(inputs, layer['units'], k, dilation=d)
        self.pad = ((k - 1) * d - a, a)
        self.act = ACTIVATIONS[layer['activation']]
        kernel = torch.tensor(layer['weights']['kernel'])  # row o: taps oldest first, inputs within a tap
        with torch.no_grad():
            self.conv.weight.copy_(kernel.reshape(layer['units'], k, inputs).transpose(1, 2))
            self.conv.bias.copy_(torch.tensor(layer['weights']['bias']))

    def forward(self, x):
        y = self.conv(nn.functional.pad(x.transpose(1, 2), self.pad))
        return self.act(y.transpose(1, 2))


ACTIVATIONS = {
    'linear': lambda v: v, 'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid,
    'softmax': lambda v: torch.softmax(v, dim=-1),
}


class Dense(nn.Module):
    def __init__(self, layer, inputs):
        super().__init__()
        self.fc = nn.Linear(inputs, layer['units'])
        self.act = ACTIVATIONS[layer['activation']]
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor(layer['weights']['kernel']))
            self.fc.bias.copy_(torch.tensor(layer['weights']['bias']))

    def forward(self, x):
        return self.act(self.fc(x))


class Model(nn.Module):
    def __init__(self, ir):
        super().__init__()
        norm = ir.get('normalization')
        f = ir['inputSize']
        self.register_buffer('mean', torch.tensor(norm['mean'] if norm else [0.0] * f))
        self.register_buffer('std', torch.tensor(norm['std'] if norm else [1.0] * f))
        layers, width = [], f
        for layer in ir['layers']:
            if layer['type'] == 'dense':
                layers.append(Dense(layer, width))
                width = layer['units']
            elif layer['type'] == 'conv1d':
                layers.append(Conv(layer, width))
                width = layer['units']
            else:
                layers.append(Recurrent(layer, width))
                width = layer['units'] * (2 if layer.get('bidirectional') == 'concat' else 1)
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers((x - self.mean) / self.std)


def unsupported(ir):
    """What torch has no module for (the job is skipped, with this reason)."""
    for i, layer in enumerate(ir['layers']):
        if layer.get('recurrentActivation', 'sigmoid') != 'sigmoid':
            return f"layer {i}: {layer['recurrentActivation']} gates (torch's LSTM/GRU have sigmoid gates only)"
        if layer['type'] == 'gru' and not layer['resetAfter']:
            return f'layer {i}: GRU with the reset gate before the matmul (torch has linear_before_reset=1 only)'
    return None


def run(model, seqs):
    with torch.no_grad():
        return [model(torch.tensor([s], dtype=torch.float32))[0] for s in seqs]


def max_abs(a, b):
    return max(float((x - y).abs().max()) for x, y in zip(a, b))


class PerStep(nn.Module):
    """rnn (batch_first) → Linear at every step."""

    def __init__(self, rnn, out):
        super().__init__()
        self.rnn, self.fc = rnn, nn.Linear(rnn.hidden_size, out)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y)


def export_stress(folder):
    """The hard cases of the issue the fixtures lack, exported as PyTorch users export: gates driven
    far into saturation (pre-activations beyond the ±8 where rnnc's tables end), and an LSTM whose
    forget gate stays open so its cell state grows far beyond ±1."""
    torch.manual_seed(2024)
    made = {}
    sat = PerStep(nn.LSTM(3, 16, batch_first=True), 2)
    gru = PerStep(nn.GRU(3, 16, batch_first=True), 2)
    cell = PerStep(nn.LSTM(3, 16, batch_first=True), 2)
    with torch.no_grad():
        for m in (sat.rnn, gru.rnn):
            for p in (m.weight_ih_l0, m.weight_hh_l0):
                p.mul_(6.0)
        h = 16  # torch LSTM gate order i, f, g, o: forget bias +4, input gate +2, inputs ×3
        cell.rnn.bias_ih_l0[h:2 * h].add_(4.0)
        cell.rnn.bias_ih_l0[:h].add_(2.0)
        cell.rnn.weight_ih_l0.mul_(3.0)
    for name, m in (('sat_lstm', sat), ('sat_gru', gru), ('bigcell_lstm', cell)):
        m.eval()
        x = torch.randn(1, 32, 3)
        path = f'{folder}/{name}.onnx'
        torch.onnx.export(m, (x,), path, opset_version=14, input_names=['x'], output_names=['y'],
                          dynamic_axes={'x': {1: 'time'}})
        made[name] = path
    json.dump(made, sys.stdout)


def stream(model_json, inputs, prefix, wanted='all'):
    """A streaming model over one long series in a single call (batch 1): the float model's and each
    engine's int8 outputs at every step, as float32 files PREFIX.float.f32 and PREFIX.ENGINE.f32.
    A unidirectional model emits at each step what it would for the sequence ending there, so every
    recurrent layer returns its whole sequence here."""
    with open(model_json) as f:
        ir = json.load(f)
    for layer in ir['layers']:
        if layer['type'] in ('lstm', 'gru', 'rnn'):
            layer['returnSequences'] = True
    x = torch.from_numpy(numpy.fromfile(inputs, dtype='<f4')).reshape(1, -1, ir['inputSize'])
    model = Model(ir).eval()
    engines = [e for e in torch.backends.quantized.supported_engines if e != 'none' and wanted in ('all', e)]
    with torch.no_grad():
        model(x)[0].numpy().astype('<f4').tofile(prefix + '.float.f32')
        for engine in engines:
            torch.backends.quantized.engine = engine
            q = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), dtype=torch.qint8)
            q(x)[0].numpy().astype('<f4').tofile(f'{prefix}.{engine}.f32')
    json.dump({'torch': torch.__version__, 'engines': engines}, sys.stdout)


def main():
    # One thread: the models are small, and the benchmarks share the machine.
    torch.set_num_threads(1)
    if sys.argv[1] == 'export':
        export_stress(sys.argv[2])
        return
    if sys.argv[1] == 'stream':
        stream(*sys.argv[2:6])
        return
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    engines = [e for e in torch.backends.quantized.supported_engines if e != 'none']
    results = []
    for job in jobs:
        with open(job['model']) as f:
            ir = json.load(f)
        why = unsupported(ir)
        if why:
            results.append({'name': job['name'], 'skip': why})
            continue
        with open(job['data']) as f:
            data = json.load(f)
        model = Model(ir).eval()
        ref = run(model, data['inputs'])
        # The same float model: torch's float32 outputs against rnnc's float64 ones.
        floats = [torch.tensor(y, dtype=torch.float32) for y in data['float']]
        out = {'name': job['name'], 'floatDiff': max_abs(ref, floats), 'engines': {}}
        for engine in engines:
            # Weights are packed for the engine at quantization time: quantize under it.
            torch.backends.quantized.engine = engine
            q = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), dtype=torch.qint8)
            out['engines'][engine] = max_abs(run(q, data['inputs']), ref)
            # What quantize_dynamic left in float (it has no dynamic nn.RNN or nn.Conv1d).
            out['kept'] = sorted({type(m).__name__ for m in q.modules() if type(m) in (nn.RNN, nn.Conv1d, nn.LSTM, nn.GRU, nn.Linear)})
        results.append(out)
    json.dump({'torch': torch.__version__, 'engines': engines, 'results': results}, sys.stdout)


if __name__ == '__main__':
    main()

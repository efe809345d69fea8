import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../../src/import/keras/topology.js';
import { cleanName, modelNameFrom } from '../../../src/import/name.js';

const dense = (name: string, inbound: unknown) => ({ class_name: 'Dense', name, config: { name, units: 2 }, inbound_nodes: inbound });
const input = { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_shape: [null, 5, 3] }, inbound_nodes: [] };
const keras3 = (from: string) => [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], keras_history: [from, 0, 0] } }], kwargs: {} }];

describe('Keras topology', () => {
  it('reads a Keras 3 functional chain (keras_history nodes) in execution order', () => {
    const t = parseTopology({ class_name: 'Functional', config: {
      name: 'net', layers: [dense('b', keras3('a')), input, dense('a', keras3('in'))],
      input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0]],
    } }, 'm.json');
    expect(t.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(t.inputFeatures).toBe(3);
    expect(t.name).toBe('net');
  });

  it('reads a Keras 2 functional chain and the converter wrapper (model_config)', () => {
    const t = parseTopology({ model_config: { class_name: 'Model', config: {
      layers: [input, dense('a', [[['in', 0, 0, {}]]])], input_layers: [['in', 0, 0]], output_layers: [['a', 0, 0]],
    } } }, 'm.json');
    expect(t.layers.map((l) => l.name)).toEqual(['a']);
  });

  it('refuses a branching functional model, naming the layer', () => {
    expect(() => parseTopology({ class_name: 'Functional', config: {
      layers: [input, dense('a', keras3('in')), dense('b', keras3('in')),
        { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: [{ args: [[keras3('a')[0]!.args[0], keras3('b')[0]!.args[0]]] }] }],
      input_layers: [['in', 0, 0]], output_layers: [['sum', 0, 0]],
    } }, 'm.json')).toThrow(/layer 'sum' has 2 inputs; rnnc imports a functional model only when it is one chain/);
  });

  it('refuses an unknown model class', () => {
    expect(() => parseTopology({ class_name: 'Subclassed', config: {} }, 'm.json')).toThrow(/model class 'Subclassed' is not supported/);
  });
});

describe('Keras return_state outputs (functional)', () => {
  const lstm = (extra: object = {}) => ({ class_name: 'LSTM', name: 'rnn', config: { name: 'rnn', units: 2, return_state: true, ...extra }, inbound_nodes: keras3('in') });
  const head = (from: [string, number, number]) => ({ class_name: 'Dense', name: 'd', config: { name: 'd', units: 2 },
    inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: from } }], kwargs: {} }] });
  const model = (layers: unknown[], outputs: unknown) => ({ class_name: 'Functional', config: { layers: [input, ...layers], input_layers: [['in', 0, 0]], output_layers: outputs } });

  it('drops the state outputs beside the prediction; the chain takes return_state false', () => {
    const t = parseTopology(model([lstm(), head(['rnn', 0, 0])], [['d', 0, 0], ['rnn', 0, 1], ['rnn', 0, 2]]), 'm.json');
    expect(t.layers.map((l) => l.name)).toEqual(['rnn', 'd']);
    expect(t.layers[0]!.config.return_state).toBe(false);
  });

  it('a layer reading a state is refused', () => {
    expect(() => parseTopology(model([lstm(), head(['rnn', 0, 1])], [['d', 0, 0], ['rnn', 0, 2]]), 'm.json'))
      .toThrow(/layer 'd' reads a final state of layer 'rnn' \(return_state\)/);
  });

  it("a sole h output stands for the layer's output only without return_sequences; c never does", () => {
    expect(parseTopology(model([lstm()], [['rnn', 0, 1]]), 'm.json').layers.map((l) => l.name)).toEqual(['rnn']);
    expect(() => parseTopology(model([lstm({ return_sequences: true })], [['rnn', 0, 1]]), 'm.json')).toThrow(/the output 'rnn\[1\]' is a final state/);
    expect(() => parseTopology(model([lstm()], [['rnn', 0, 2]]), 'm.json')).toThrow(/the output 'rnn\[2\]' is a final state/);
  });

  it('without return_state, a second output is a second prediction: refused naming both', () => {
    expect(() => parseTopology(model([lstm({ return_state: false }), head(['rnn', 0, 0])], [['d', 0, 0], ['rnn', 0, 0]]), 'm.json'))
      .toThrow(/the model has 2 outputs that are not recurrent states \('d', 'rnn'\); choose one with --model-output NAME/);
  });
});

describe('default model names', () => {
  it('makes a valid IR name from the file or the framework name', () => {
    expect(modelNameFrom('sequential_1', '/x/model.json')).toBe('sequential_1');
    expect(modelNameFrom('torch_jit', '/x/My-LSTM.v2.onnx')).toBe('my_lstm_v2');
    expect(cleanName('123')).toBeUndefined();
    expect(modelNameFrom(undefined, '/x/model.json')).toBe('model');
  });
});

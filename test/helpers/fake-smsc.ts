// The tests' SMSC is the product's simulator (src/simulator): the same code users run with
// `byo-smpp simulator`. These names are kept so the tests read as before.
export {
  SmscSimulator as FakeSmsc, startSimulator as startFakeSmsc, SIMULATOR_PRESETS as FAKE_SMSC_PRESETS,
  type SimulatorOptions as FakeSmscOptions, type SimulatorPreset as FakeSmscPreset,
} from '../../src/simulator/index.js';
export * from '../../src/simulator/index.js';

/** Pure core of randomisation: configuration, sequence, verification, balance, simulation. */
export * from './randomization-config';
export * from './block-sequence';
export * from './verify';
export * from './balance';
export * from './simulate';

export const HIDDEN_UNITS = 256;
export const NUM_HIDDEN = 9;
export const ACTIVATION = 'relu';

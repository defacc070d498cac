export * from './normalize';
export * from './sec-check';

export * from './normalize';
export * from './sec-check';
export * from './chunks';

export * from './normalize';
export * from './sec-check';
export * from './chunks';
export * from './course-fields';
export * from './text-check';

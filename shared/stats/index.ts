export * from './courseStats';

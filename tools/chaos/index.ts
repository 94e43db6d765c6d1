export * from './chaos-system';
export * from './checker';
export * from './faults';
export * from './model';
export * from './runner';
export * from './seeded-random';
export * from './stale';
export * from './workload';

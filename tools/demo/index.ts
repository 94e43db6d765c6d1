export * from './demo-http';
export * from './demo-scenario';
export * from './demo-summary';
export * from './live-demo';

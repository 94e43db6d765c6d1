export * from './data-source-options';
export * from './migrations';
export * from './transactions';
export * from './outbox';
export * from './outbox-relay';
export * from './inbox';
export * from './persistence.module';
export * from './lease';

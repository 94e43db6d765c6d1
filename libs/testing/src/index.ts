export * from './test-database';
export * from './wait-for';
export * from './broker';
export * from './service-process';

export * from './test-database';
export * from './wait-for';
export * from './broker';
export * from './service-process';
export * from './shop-simulator-process';
export * from './webhook-receiver';
export * from './sp-api-simulator-process';
export * from './otlp-collector';

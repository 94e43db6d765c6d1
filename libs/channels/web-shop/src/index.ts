export * from './web-shop-ports';
export * from './recent-deliveries';

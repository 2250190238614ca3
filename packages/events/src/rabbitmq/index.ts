export { createRabbitBus, type RabbitBusOptions, type RabbitEventBus } from './rabbit-bus';
export { deleteRabbitQueues } from './admin';

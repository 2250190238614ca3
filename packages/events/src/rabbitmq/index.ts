export { createRabbitBus, type RabbitBusOptions, type RabbitEventBus } from './rabbit-bus';
export { QueueTypeMismatchError, type QueueType } from './topology';
export { deleteRabbitQueues } from './admin';
export { parseAmqpNodes, redactAmqpUrl, type AmqpNodes } from './amqp-nodes';

export { createRabbitBus, QueueTypeMismatchError, type QueueType, type RabbitBusOptions, type RabbitEventBus } from './rabbit-bus';
export { deleteRabbitQueues } from './admin';
export { parseAmqpNodes, redactAmqpUrl, type AmqpNodes } from './amqp-nodes';

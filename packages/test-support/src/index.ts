export { contractOperations, CONTRACT_DIR, documentText, operationOf } from './contract-documents';

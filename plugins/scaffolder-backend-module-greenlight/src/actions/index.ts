export { createSloValidateAction } from './sloValidate';
export { createPipelinePinCheckAction } from './pipelinePinCheck';
export { createServiceRegisterAction } from './serviceRegister';

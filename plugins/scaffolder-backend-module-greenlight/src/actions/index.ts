export { createSloValidateAction } from './sloValidate';
export { createPipelinePinCheckAction } from './pipelinePinCheck';
export { createServiceRegisterAction } from './serviceRegister';
export type { ServiceRegisterActionOptions } from './serviceRegister';

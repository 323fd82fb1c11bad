export { RegistrationStore } from './RegistrationStore';
export type { ServiceRegistration } from './RegistrationStore';

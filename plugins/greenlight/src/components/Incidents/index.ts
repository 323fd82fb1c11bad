export {
  UnattributedIncidentsCard,
  UNATTRIBUTED_INCIDENTS_ID,
} from './UnattributedIncidentsCard';

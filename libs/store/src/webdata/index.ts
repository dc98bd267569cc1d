export { parseWebDataId, webDataId } from './webdata.keys';
export { mergeWebData } from './webdata.merge';
export { WebDataRepository } from './webdata.repository';
export type { WebDataMergeSummary } from './webdata.repository';
export type { Stamped, StampedPage, WebData, WebDataKey } from './webdata.schema';

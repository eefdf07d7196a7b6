// The plain data of the PDUs the message path builds and reads: the domain prepares a submit_sm and
// decodes a deliver_sm; the SMPP adapter (src/adapters/smpp) puts them on and takes them off the wire.

/** submit_sm as we send it: text is already encoded by src/domain (the package's encoder is lossy and slow). */
export interface SubmitSm {
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
  /** raw octets, UDH included when esm_class has UDHI (0x40) */
  short_message: Buffer;
  service_type?: string;
  protocol_id?: number;
  priority_flag?: number;
  /** optional parameters (SAR, message_payload), in the order they go on the wire */
  tlvs?: { tag: number; value: Buffer }[];
}

export interface SubmitSmResp {
  commandStatus: number;
  /** absent when the response carried no body (non-zero status) */
  messageId: string | undefined;
}

/** deliver_sm as received, with the short_message octets untouched (decoding is the domain's job). */
export interface DeliverSm {
  /** data_sm carries the same content (text in message_payload) and is answered with data_sm_resp */
  command: 'deliver_sm' | 'data_sm';
  sequenceNumber: number;
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  dataCoding: number;
  shortMessage: Buffer;
  /** TLVs we use, when present */
  receiptedMessageId?: string | undefined;
  messageState?: number | undefined;
  networkErrorCode?: Buffer | undefined;
  messagePayload?: Buffer | undefined;
  sarMsgRefNum?: number | undefined;
  sarTotalSegments?: number | undefined;
  sarSegmentSeqnum?: number | undefined;
}

// The reference's default advanced configuration, verbatim (byo-sms-for-smpp.txt, "Advanced
// Configuration"). Data, not code: a custom configuration overrides entries code by code.
import type { AdvancedConfig } from './advanced-schema.js';

export const DEFAULT_ADVANCED_CONFIG: AdvancedConfig = {
  protocolSpecificCodeMapping: {
    "0": {
      genericErrorCode: 0,
      genericErrorCause: "DELIVERED",
      description: "Message delivered"
    },
    "1": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "Message length is invalid"
    },
    "2": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "Command length is invalid"
    },
    "3": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "Invalid command ID"
    },
    "4": {
      genericErrorCode: 2,
      genericErrorCause: "OTHER_TEMPORARY_FAILURE",
      description: "Incorrect carrier status for given command"
    },
    "5": {
      genericErrorCode: 2,
      genericErrorCause: "OTHER_TEMPORARY_FAILURE",
      description: "Incorrect carrier status for given command"
    },
    "6": {
      genericErrorCode: 3,
      genericErrorCause: "PRIORITY_INVALID",
      description: "Invalid priority flag"
    },
    "7": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "Invalid registered delivery flag"
    },
    "8": {
      genericErrorCode: 2,
      genericErrorCause: "OTHER_TEMPORARY_FAILURE",
      description: "Internal system error"
    },
    "10": {
      genericErrorCode: 3,
      genericErrorCause: "SOURCE_ADDR_INVALID",
      description: "Invalid source address"
    },
    "11": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "Invalid destination address"
    },
    "12": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_ID_INVALID",
      description: "Invalid message ID"
    },
    "13": {
      genericErrorCode: 2,
      genericErrorCause: "OTHER_TEMPORARY_FAILURE",
      description: "Bind failed"
    },
    "14": {
      genericErrorCode: 2,
      genericErrorCause: "AUTHENTICATION_FAILED",
      description: "Invalid password"
    },
    "15": {
      genericErrorCode: 2,
      genericErrorCause: "AUTHENTICATION_FAILED",
      description: "Invalid system ID"
    },
    "17": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RCANCELFAIL: Cancel SM failed."
    },
    "19": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RREPLACEFAIL: Replace SM failed."
    },
    "20": {
      genericErrorCode: 2,
      genericErrorCause: "CARRIER_CONGESTED",
      description: "ESME_RMSGQFUL: Message queue full."
    },
    "21": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RINVSERTYP: Invalid service type."
    },
    "51": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RINVNUMDESTS: Invalid number of destinations."
    },
    "52": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RINVLDLNAME: Invalid distribution list name."
    },
    "64": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RINVDESTFLAG: Destination flag is invalid (submit_multi)."
    },
    "66": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVSUBREP: Invalid 'submit with replace' request (i.e. submit_sm with replace_if_present_flag set)."
    },
    "67": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVESMCLASS: Invalid esm_class field data."
    },
    "68": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RCNTSUBDL: Cannot submit to distribution list."
    },
    "69": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RSUBMITFAIL: submit_sm or submit_multi failed."
    },
    "72": {
      genericErrorCode: 3,
      genericErrorCause: "SOURCE_ADDR_INVALID",
      description: "ESME_RINVSRCTON: Invalid source address TON."
    },
    "73": {
      genericErrorCode: 3,
      genericErrorCause: "SOURCE_ADDR_INVALID",
      description: "ESME_RINVSRCNPI: Invalid source address NPI."
    },
    "80": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RINVDSTTON: Invalid destination address TON."
    },
    "81": {
      genericErrorCode: 3,
      genericErrorCause: "DEST_ADDR_INVALID",
      description: "ESME_RINVDSTNPI: Invalid destination address NPI."
    },
    "83": {
      genericErrorCode: 3,
      genericErrorCause: "AUTHENTICATION_FAILED",
      description: "ESME_RINVSYSTYP: Invalid system_type field."
    },
    "84": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVREPFLAG: Invalid replace_if_present flag."
    },
    "85": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVNUMMSGS: Invalid number of messages."
    },
    "88": {
      genericErrorCode: 2,
      genericErrorCause: "THROTTLED",
      description: "ESME_RTHROTTLED: Throttling error(ESME has exceeded allowed message limits)."
    },
    "97": {
      genericErrorCode: 3,
      genericErrorCause: "TIME_PERIOD_INVALID",
      description: "ESME_RINVSCHED: Invalid scheduled delivery time."
    },
    "98": {
      genericErrorCode: 3,
      genericErrorCause: "TIME_PERIOD_INVALID",
      description: "ESME_RINVEXPIRY: Invalid message validity period (expiry time)."
    },
    "99": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVDFTMSGID: Predefined message invalid or not found."
    },
    "100": {
      genericErrorCode: 2,
      genericErrorCause: "OTHER_TEMPORARY_FAILURE",
      description: "ESME_RX_T_APPN: ESME receiver temporary app error code."
    },
    "101": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RX_P_APPN: ESME receiver permanent app error code."
    },
    "102": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RX_R_APPN: ESME receiver reject message error code."
    },
    "103": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RQUERYFAIL: query_sm request failed."
    },
    "192": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVOPTPARSTREAM: Error in the optional part of the PDU body."
    },
    "193": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_ROPTPARNOTALLWD: Optional parameter not allowed."
    },
    "194": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVPARLEN: Invalid parameter length."
    },
    "195": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RMISSINGOPTPARAM: Expected optional parameter missing."
    },
    "196": {
      genericErrorCode: 3,
      genericErrorCause: "MESSAGE_DATA_INVALID",
      description: "ESME_RINVOPTPARAMVAL: Invalid optional parameter value."
    },
    "254": {
      genericErrorCode: 2,
      genericErrorCause: "CARRIER_DELIVERY_FAILED",
      description: "ESME_RDELIVERYFAILURE: Delivery failure (used for data_sm_resp)."
    },
    "255": {
      genericErrorCode: 3,
      genericErrorCause: "OTHER_PERMANENT_FAILURE",
      description: "ESME_RUNKNOWNERR: Unknown error."
    }
  },
  charsets: [
    {
      dcs: 0,
      charset: "gsm_0338"
    },
    {
      dcs: 1,
      charset: "ASCII"
    },
    {
      dcs: 2,
      charset: "gsm_0338"
    },
    {
      dcs: 3,
      charset: "ISO-8859-1"
    },
    {
      dcs: 5,
      charset: "JIS0201"
    },
    {
      dcs: 6,
      charset: "ISO-8859-5"
    },
    {
      dcs: 7,
      charset: "ISO-8859-8"
    },
    {
      dcs: 8,
      charset: "utf-16be"
    }
  ]
};

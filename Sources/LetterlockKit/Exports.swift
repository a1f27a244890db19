// The envelope, cards, errors and safety numbers are part of LetterlockKit's API.
@_exported public import LetterlockEnvelope

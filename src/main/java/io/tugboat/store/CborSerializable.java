package io.tugboat.store;

/** Marker for messages, events and snapshots serialized with Jackson CBOR (bound in serialization.conf). */
public interface CborSerializable {}

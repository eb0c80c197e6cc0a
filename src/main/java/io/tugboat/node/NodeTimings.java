package io.tugboat.node;

import java.time.Duration;

/**
 * The clocks of a node agent: Lease renewal and its duration, how often the status is computed and at most how
 * long it goes unwritten, the pause before a failed write is tried again, and how often pod and node usage is
 * measured for the metrics API.
 */
public record NodeTimings(Duration leaseRenew, Duration leaseDuration, Duration statusUpdate, Duration statusReport,
    Duration retry, Duration metrics) {}

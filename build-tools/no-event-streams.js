/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (esbuild-plugins.js,
 * noEventStreams). Herald calls no streaming operation: of its clients only CloudWatch Logs has
 * one (StartLiveTail), and Herald reads logs with GetLogEvents. The clients still wire an event
 * stream marshaller at construction, so this keeps the names they import and makes any use of
 * a stream fail with a message that says why, instead of bundling the codec (about 15 KB).
 */
const unavailable = () => {
  throw new Error('event streams are not in this bundle (build-tools/no-event-streams.js)');
};

const eventStreamSerdeProvider = () => ({ serialize: unavailable, deserialize: unavailable });

const resolveEventStreamSerdeConfig = (input) =>
  Object.assign(input, {
    eventStreamMarshaller: (input.eventStreamSerdeProvider ?? eventStreamSerdeProvider)(input),
  });

class EventStreamSerde {
  constructor() {
    unavailable();
  }
}

module.exports = { eventStreamSerdeProvider, resolveEventStreamSerdeConfig, EventStreamSerde };

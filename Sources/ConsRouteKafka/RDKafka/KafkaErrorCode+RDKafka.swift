import CRdKafka

extension KafkaErrorCode: CustomStringConvertible {
    /// No error.
    public static let noError = Self(RD_KAFKA_RESP_ERR_NO_ERROR)
    /// The client's outgoing queue is full (`queue.buffering.max.messages`).
    public static let queueFull = Self(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    /// The message exceeds `message.max.bytes`.
    public static let messageSizeTooLarge = Self(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    /// The message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut = Self(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    /// The topic or partition does not exist.
    public static let unknownTopicOrPartition = Self(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// The topic does not exist (client-side).
    public static let unknownTopic = Self(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    /// The topic already exists.
    public static let topicAlreadyExists = Self(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    /// The client is not authorised for the topic.
    public static let topicAuthorizationFailed = Self(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    /// There was no offset to commit.
    public static let noOffset = Self(RD_KAFKA_RESP_ERR__NO_OFFSET)
    /// The operation timed out.
    public static let timedOut = Self(RD_KAFKA_RESP_ERR__TIMED_OUT)
    /// The message was purged before delivery (client shutting down).
    public static let purged = Self(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    /// A fatal error was raised; details via the client.
    public static let fatal = Self(RD_KAFKA_RESP_ERR__FATAL)
    /// A broker connection failed.
    public static let transport = Self(RD_KAFKA_RESP_ERR__TRANSPORT)
    /// No broker is reachable.
    public static let allBrokersDown = Self(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    /// The operation is not valid in the client's current state.
    public static let invalidState = Self(RD_KAFKA_RESP_ERR__STATE)

    init(_ error: rd_kafka_resp_err_t) {
        self.init(rawValue: error.rawValue)
    }

    var rdKafkaValue: rd_kafka_resp_err_t {
        rd_kafka_resp_err_t(rawValue: rawValue)
    }

    /// librdkafka's name for the code, e.g. `_QUEUE_FULL` or `TOPIC_ALREADY_EXISTS`.
    public var name: String {
        String(cString: rd_kafka_err2name(rdKafkaValue))
    }

    /// librdkafka's one-line explanation of the code.
    public var message: String {
        String(cString: rd_kafka_err2str(rdKafkaValue))
    }

    /// The name and raw value, e.g. `_QUEUE_FULL (-184)`.
    public var description: String {
        "\(name) (\(rawValue))"
    }
}

/// A fixed-size buffer that librdkafka fills with an error text (`errstr`, `errstr_size`).
struct ErrorBuffer {
    var bytes = [CChar](repeating: 0, count: 512)

    var text: String {
        String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// XLM-RoBERTa (`model_type` `xlm-roberta`; `roberta` and `camembert` are the same network):
/// BERT whose learned positions start after the padding id, as transformers'
/// `create_position_ids_from_input_ids` counts them (row `padding_idx + 1` for the first token,
/// so 514 rows hold 512 tokens). Checkpoints may prefix the names with `roberta.`.
enum XLMRobertaArchitecture: EncoderArchitecture {
    static let architecture = EncoderConfiguration.Architecture.xlmRoberta
    static let modelTypes: Set<String> = ["xlm-roberta", "roberta", "camembert"]
    static let tensorPrefixes = ["", "roberta."]

    static func configuration(reading reader: JSONObjectReader) throws -> EncoderConfiguration {
        var configuration = try BertArchitecture.bertFamily(reading: reader, architecture: .xlmRoberta, defaultEpsilon: 1e-5, defaultTypes: 1)
        configuration.absolutePositions = .afterPadding(paddingID: try reader.int("pad_token_id", default: 1))
        return configuration
    }

    static func tensorNames(_ configuration: EncoderConfiguration) -> EncoderTensorNames {
        BertArchitecture.tensorNames(configuration)
    }
}

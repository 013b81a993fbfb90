import AdapterSupport
@testable import EMCAdapter
import Testing

/// The user EMC takes as embedded JSON text, written directly.
@Suite struct EMCMappingTests {
    @Test(arguments: [
        ("acc-1", "092301004217", "2", "92"),
        ("", "", "", ""),
        ("Nguyễn Văn \"A\"", "a\\b/c", "1", "tab\there"),
        ("line\nbreak\r", "\u{1}\u{1f}\u{7f}", "bell\u{7}", "emoji 🇻🇳 và dấu"),
        ("\u{2028}\u{2029}", "{\"x\":1}", "<>&'", "\u{0}"),
    ])
    func theUserIsTheTextJSONEncoderWrites(local: String, national: String, type: String, location: String) {
        let user = EMCMapping.User(ID_local: local, ID_QG: national, TYPE: type, LOCATION: location)
        #expect(user.embeddedJSON == EmbeddedJSON.string(user))
    }
}

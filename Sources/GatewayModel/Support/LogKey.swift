/// The metadata keys the gateway's log lines share, defined once so that a log search for a
/// dossier, a target or an error class finds every line about it.
public enum LogKey {
    public static let dossier = "dossier"
    public static let eventID = "event.id"
    public static let target = "target"
    public static let operation = "operation"
    public static let errorClass = "error.class"
    public static let httpStatus = "http.status"
}

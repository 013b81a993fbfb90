import Foundation

// Reading a dossier event straight from its bytes with `JSONReader`: the same fields, rules and
// reasons as the types' `Decodable` conformances, at a fraction of `JSONDecoder`'s cost. Members
// the contract does not name are passed over; a member written twice counts as its last.

extension DossierEvent {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var specversion: String?, id: String?, source: String?, type: DossierEventType?, subject: String?
        var time: Date?, datacontenttype: String?, data: DossierData?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "specversion": specversion = try reader.string()
            case "id": id = try reader.string()
            case "source": source = try reader.string()
            case "type": type = try reader.code(DossierEventType.self)
            case "subject": subject = try reader.string()
            case "time": time = try reader.timestamp()
            case "datacontenttype": datacontenttype = try reader.optionalString()
            case "data": data = try DossierData(reading: &reader)
            default: try reader.skip()
            }
        }
        self.specversion = try specversion.required("specversion")
        self.id = try id.required("id")
        self.source = try source.required("source")
        self.type = try type.required("type")
        self.subject = try subject.required("subject")
        self.time = try time.required("time")
        self.datacontenttype = datacontenttype
        self.data = try data.required("data")
    }
}

extension DossierData {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var dossierCode: String?, agencyCode: String?, procedure: Procedure?, field: Field?, channel: Channel?, applicant: Applicant?
        var optional = DossierData(dossierCode: "", agencyCode: "", procedure: .init(code: "", name: ""), field: .init(code: "", name: ""), channel: .other, applicant: .init(kind: .other, fullName: ""))
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "dossierCode": dossierCode = try reader.string()
            case "agencyCode": agencyCode = try reader.string()
            case "agencyName": optional.agencyName = try reader.optionalString()
            case "receiptNumber": optional.receiptNumber = try reader.optionalString()
            case "procedure": procedure = try Procedure(reading: &reader)
            case "field": field = try Field(reading: &reader)
            case "channel": channel = Channel(rawValue: try reader.string()) ?? .other
            case "applicant": applicant = try Applicant(reading: &reader)
            case "summary": optional.summary = try reader.optionalString()
            case "submittedAt": optional.submittedAt = try reader.optionalTimestamp()
            case "receivedAt": optional.receivedAt = try reader.optionalTimestamp()
            case "appointmentAt": optional.appointmentAt = try reader.optionalTimestamp()
            case "finishedAt": optional.finishedAt = try reader.optionalTimestamp()
            case "returnedAt": optional.returnedAt = try reader.optionalTimestamp()
            case "rejectedAt": optional.rejectedAt = try reader.optionalTimestamp()
            case "paidOnline": optional.paidOnline = try reader.optionalBool()
            case "digitised": optional.digitised = try reader.optionalBool()
            case "vneidVerified": optional.vneidVerified = try reader.optionalBool()
            case "fromNationalPortal": optional.fromNationalPortal = try reader.optionalBool()
            case "receivingOfficer": optional.receivingOfficer = try reader.optionalString()
            case "connectedDatabases": optional.connectedDatabases = try reader.optionalArray { reader throws(JSONReadError) in try reader.string() }
            case "note": optional.note = try reader.optionalString()
            case "progress": optional.progress = try reader.optionalArray(ProgressStep.init(reading:))
            case "documents": optional.documents = try reader.optionalArray(Document.init(reading:))
            case "resultDocuments": optional.resultDocuments = try reader.optionalArray(ResultDocument.init(reading:))
            case "fees": optional.fees = try reader.optionalArray(Fee.init(reading:))
            case "civilStatus": optional.civilStatus = try reader.readNull() ? nil : CivilStatus(reading: &reader)
            case "interconnect": optional.interconnect = try reader.readNull() ? nil : Interconnect(reading: &reader)
            case "land": optional.land = try reader.readNull() ? nil : Land(reading: &reader)
            default: try reader.skip()
            }
        }
        self = optional
        self.dossierCode = try dossierCode.required("dossierCode")
        self.agencyCode = try agencyCode.required("agencyCode")
        self.procedure = try procedure.required("procedure")
        self.field = try field.required("field")
        self.channel = try channel.required("channel")
        self.applicant = try applicant.required("applicant")
    }
}

extension DossierData.Procedure {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var code: String?, name: String?, level: Int?, interconnectModule: String?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "code": code = try reader.string()
            case "name": name = try reader.string()
            case "level": level = try reader.optionalInteger()
            case "interconnectModule": interconnectModule = try reader.optionalString()
            default: try reader.skip()
            }
        }
        self.init(code: try code.required("code"), name: try name.required("name"), level: level, interconnectModule: interconnectModule)
    }
}

extension DossierData.Field {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var code: String?, name: String?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "code": code = try reader.string()
            case "name": name = try reader.string()
            default: try reader.skip()
            }
        }
        self.init(code: try code.required("code"), name: try name.required("name"))
    }
}

extension DossierData.Applicant {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var kind: Kind?, fullName: String?
        var optional = DossierData.Applicant(kind: .other, fullName: "")
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "kind": kind = Kind(rawValue: try reader.string()) ?? .other
            case "accountId": optional.accountId = try reader.optionalString()
            case "fullName": fullName = try reader.string()
            case "identityType": optional.identityType = try reader.readNull() ? nil : reader.code(IdentityType.self)
            case "identityNumber": optional.identityNumber = try reader.optionalString()
            case "address": optional.address = try reader.optionalString()
            case "phone": optional.phone = try reader.optionalString()
            case "email": optional.email = try reader.optionalString()
            default: try reader.skip()
            }
        }
        self = optional
        self.kind = try kind.required("kind")
        self.fullName = try fullName.required("fullName")
    }
}

extension DossierData.ProgressStep {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var handler: String?, position: String?, department: String?, content: String?, at: Date?, startedAt: Date?, dueAt: Date?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "handler": handler = try reader.string()
            case "position": position = try reader.optionalString()
            case "department": department = try reader.optionalString()
            case "content": content = try reader.string()
            case "at": at = try reader.timestamp()
            case "startedAt": startedAt = try reader.optionalTimestamp()
            case "dueAt": dueAt = try reader.optionalTimestamp()
            default: try reader.skip()
            }
        }
        self.init(
            handler: try handler.required("handler"), position: position, department: department, content: try content.required("content"),
            at: try at.required("at"), startedAt: startedAt, dueAt: dueAt
        )
    }
}

extension DossierData.Document {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var name: String?
        var optional = DossierData.Document(name: "")
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "name": name = try reader.string()
            case "code": optional.code = try reader.optionalString()
            case "url": optional.url = try reader.optionalString()
            case "contentBase64": optional.contentBase64 = try reader.optionalString()
            case "originals": optional.originals = try reader.optionalInteger()
            case "copies": optional.copies = try reader.optionalInteger()
            case "id": optional.id = try reader.optionalInteger()
            case "fileName": optional.fileName = try reader.optionalString()
            case "kind": optional.kind = try reader.optionalInteger()
            case "deleted": optional.deleted = try reader.optionalBool()
            case "digitised": optional.digitised = try reader.optionalBool()
            case "reused": optional.reused = try reader.optionalBool()
            case "fromNationalStore": optional.fromNationalStore = try reader.optionalBool()
            case "replacesResult": optional.replacesResult = try reader.optionalString()
            default: try reader.skip()
            }
        }
        self = optional
        self.name = try name.required("name")
    }
}

extension DossierData.ResultDocument {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var name: String?
        var optional = DossierData.ResultDocument(name: "")
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "name": name = try reader.string()
            case "code": optional.code = try reader.optionalString()
            case "id": optional.id = try reader.optionalString()
            case "url": optional.url = try reader.optionalString()
            case "resultCode": optional.resultCode = try reader.optionalString()
            default: try reader.skip()
            }
        }
        self = optional
        self.name = try name.required("name")
    }
}

extension DossierData.Interconnect {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var dossierNumber: String?, result: Result?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "dossierNumber": dossierNumber = try reader.string()
            case "result": result = try reader.readNull() ? nil : Result(reading: &reader)
            default: try reader.skip()
            }
        }
        self.init(dossierNumber: try dossierNumber.required("dossierNumber"), result: result)
    }
}

extension DossierData.Interconnect.Result {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var result = DossierData.Interconnect.Result()
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "identityNumber": result.identityNumber = try reader.optionalString()
            case "registrationNumber": result.registrationNumber = try reader.optionalString()
            case "book": result.book = try reader.optionalString()
            case "page": result.page = try reader.optionalString()
            case "documentCode": result.documentCode = try reader.optionalString()
            case "certificateBase64": result.certificateBase64 = try reader.optionalString()
            case "record": result.record = try reader.readNull() ? nil : reader.value()
            default: try reader.skip()
            }
        }
        self = result
    }
}

extension DossierData.Land {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var provincialWorkflow: Bool?, provinceId: Int?, districtId: Int?, communeId: Int?
        var workflowCode: String?, workflowName: String?, assetAddress: String?, parcels: [Parcel]?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "provincialWorkflow": provincialWorkflow = try reader.bool()
            case "provinceId": provinceId = try reader.lenientInteger()
            case "districtId": districtId = try reader.lenientInteger()
            case "communeId": communeId = try reader.lenientInteger()
            case "workflowCode": workflowCode = try reader.string()
            case "workflowName": workflowName = try reader.string()
            case "assetAddress": assetAddress = try reader.optionalString()
            case "parcels": parcels = try reader.optionalArray(Parcel.init(reading:))
            default: try reader.skip()
            }
        }
        self.init(
            provincialWorkflow: try provincialWorkflow.required("provincialWorkflow"),
            provinceId: try provinceId.orMismatch("provinceId", expected: "a number"),
            districtId: try districtId.orMismatch("districtId", expected: "a number"),
            communeId: try communeId.orMismatch("communeId", expected: "a number"),
            workflowCode: try workflowCode.required("workflowCode"), workflowName: try workflowName.required("workflowName"),
            assetAddress: assetAddress, parcels: parcels
        )
    }
}

extension DossierData.Land.Parcel {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var number: String?, mapSheet: String?, area: String?, address: String?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "number": number = try reader.string()
            case "mapSheet": mapSheet = try reader.string()
            case "area": area = try reader.lenientText()
            case "address": address = try reader.string()
            default: try reader.skip()
            }
        }
        self.init(
            number: try number.required("number"), mapSheet: try mapSheet.required("mapSheet"),
            area: try area.orMismatch("area", expected: "a string"), address: try address.required("address")
        )
    }
}

extension DossierData.CivilStatus {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var module: String?, interconnectCode: String?, registrationOffice: String?, record: JSONValue?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "module": module = try reader.string()
            case "interconnectCode": interconnectCode = try reader.optionalString()
            case "registrationOffice": registrationOffice = try reader.optionalString()
            case "record": record = try reader.value()
            default: try reader.skip()
            }
        }
        self.init(module: try module.required("module"), interconnectCode: interconnectCode, registrationOffice: registrationOffice, record: try record.required("record"))
    }
}

extension DossierData.Fee {
    init(reading reader: inout JSONReader) throws(JSONReadError) {
        var name: String?, amount: Int?, code: String?, collection: String?, kind: String?
        try reader.object { key, reader throws(JSONReadError) in
            switch key {
            case "name": name = try reader.string()
            case "amount": amount = try reader.integer()
            case "code": code = try reader.optionalString()
            case "collection": collection = try reader.optionalString()
            case "kind": kind = try reader.optionalString()
            default: try reader.skip()
            }
        }
        self.init(name: try name.required("name"), amount: try amount.required("amount"), code: code, collection: collection, kind: kind)
    }
}

extension JSONReader {
    /// A code from a closed list (an event's type, an identity type); any other text is outside the contract.
    mutating func code<Code: RawRepresentable<String>>(_: Code.Type) throws(JSONReadError) -> Code {
        guard let code = Code(rawValue: try string()) else { throw JSONReadError(.outsideContract) }
        return code
    }

    /// An RFC 3339 date-time.
    mutating func timestamp() throws(JSONReadError) -> Date {
        guard let date = JSONCoding.parseTimestamp(try string()) else { throw JSONReadError(.outsideContract) }
        return date
    }

    mutating func optionalTimestamp() throws(JSONReadError) -> Date? {
        try readNull() ? nil : timestamp()
    }

    /// A whole number written as a number or as its digits in a string (`LenientNumber.integer`).
    mutating func lenientInteger() throws(JSONReadError) -> Int {
        switch peek() {
        case .number:
            if let value = try? integer() { return value }
        case .string:
            if let value = Int(try string()) { return value }
        default:
            break
        }
        throw JSONReadError(.mismatch(expected: "a number"))
    }

    /// Text written as a string or as a number (`LenientNumber.text`): a number reads as its decimal value.
    mutating func lenientText() throws(JSONReadError) -> String {
        switch peek() {
        case .string: return try string()
        case .number:
            if let number = Decimal(string: try numberText(), locale: Locale(identifier: "en_US_POSIX")) { return "\(number)" }
        default: break
        }
        throw JSONReadError(.mismatch(expected: "a string"))
    }
}

extension Optional {
    /// The value, or a mismatch at `key`: a lenient field that is absent reads as one of the
    /// wrong kind, as `LenientNumber` reports it.
    fileprivate func orMismatch(_ key: String, expected: String) throws(JSONReadError) -> Wrapped {
        guard let self else { throw JSONReadError(.mismatch(expected: expected)).within(.key(key)) }
        return self
    }
}

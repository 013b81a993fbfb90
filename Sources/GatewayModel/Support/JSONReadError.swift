/// Why a JSON document could not be read as expected, and where: the path and the rule,
/// never the value.
package struct JSONReadError: Error, Sendable {
    package enum Problem: Sendable, Equatable {
        /// Not JSON at all.
        case syntax
        case tooDeep
        /// A value of another kind than `expected` ("a string", "an object").
        case mismatch(expected: String)
        /// A null where a value is required.
        case null
        /// The right kind, but a value the reader does not accept (an unknown code, a bad date).
        case outsideContract
        /// A required member is absent.
        case missing(String)
    }

    package enum PathComponent: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    package var problem: Problem
    /// From the innermost component out.
    private var reversedPath: [PathComponent] = []

    package init(_ problem: Problem) { self.problem = problem }

    package var path: [PathComponent] { reversedPath.reversed() }

    func within(_ component: PathComponent) -> JSONReadError {
        var error = self
        error.reversedPath.append(component)
        return error
    }

    /// The path as `data.progress[3].handler`; empty at the top.
    package var pathText: String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// What is wrong, naming the top-level value `document` where the path is empty.
    package func reason(document: String) -> String {
        let at = pathText.isEmpty ? document : pathText
        switch problem {
        case .syntax: return "not valid JSON"
        case .tooDeep: return "nested more than \(JSONReader.maxDepth) levels deep"
        case .mismatch(let expected): return "\(at): expected \(expected)"
        case .null: return "\(at): is null"
        case .outsideContract: return "\(at): a value outside the contract"
        case .missing(let key): return "missing field \(pathText.isEmpty ? "" : pathText + ".")\(key)"
        }
    }
}

extension Optional {
    /// The value, or a `missing` error naming `key`.
    package func required(_ key: String) throws(JSONReadError) -> Wrapped {
        guard let self else { throw JSONReadError(.missing(key)) }
        return self
    }
}

import Foundation

/// How alike two persons' names are, for duplicate detection beyond the ZEMIS number. Names
/// of the asylum domain reach the canton in several transliterations ("Mohammed" /
/// "Muhammad", "Tesfaye" / "Tesfay"), with diacritics or without, and given and family name
/// sometimes swapped; the comparison folds these differences away before measuring the edit
/// distance.
enum NameSimilarity {
    /// At or above this score two names with the same date of birth count as a likely duplicate.
    static let threshold = 0.85

    /// 0 (nothing alike) to 1 (the same after folding); the better of both name orders.
    static func score(given a: String, family b: String, given c: String, family d: String) -> Double {
        score(Folded(given: a, family: b), Folded(given: c, family: d))
    }

    /// A name folded once in both orders, for comparing one name with many (a list's rows
    /// with everyone born on the same day) without folding it again for every pair.
    struct Folded: Sendable, Equatable {
        let straight: [Character]
        let swapped: [Character]

        init(given: String, family: String) {
            straight = Array(NameSimilarity.fold(given + " " + family))
            swapped = Array(NameSimilarity.fold(family + " " + given))
        }
    }

    static func score(_ a: Folded, _ b: Folded) -> Double {
        max(ratio(a.straight, b.straight), ratio(a.straight, b.swapped))
    }

    static func isLikelyDuplicate(_ score: Double) -> Bool { score >= threshold }

    /// Lower case, no diacritics, letters and digits only (other characters become one space),
    /// common transliteration variants unified and doubled letters collapsed.
    static func fold(_ name: String) -> String {
        let plain = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            .lowercased()
        var text = ""
        var lastWasSpace = true
        for scalar in plain.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                text.unicodeScalars.append(scalar); lastWasSpace = false
            } else if !lastWasSpace {
                text.append(" "); lastWasSpace = true
            }
        }
        text = text.trimmingCharacters(in: .whitespaces)
        for (variant, canonical) in [("ou", "u"), ("ph", "f"), ("kh", "k"), ("dj", "j"), ("y", "i"), ("ee", "i"), ("oo", "u")] {
            text = text.replacingOccurrences(of: variant, with: canonical)
        }
        var collapsed = ""
        for character in text where character != collapsed.last || !character.isLetter {
            collapsed.append(character)
        }
        return collapsed
    }

    /// 1 − Levenshtein distance / length of the longer text.
    static func ratio(_ a: String, _ b: String) -> Double { ratio(Array(a), Array(b)) }

    static func ratio(_ x: [Character], _ y: [Character]) -> Double {
        let longest = max(x.count, y.count)
        guard longest > 0 else { return 1 }
        return 1 - Double(distance(x, y)) / Double(longest)
    }

    static func distance(_ x: [Character], _ y: [Character]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}

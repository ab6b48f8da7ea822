/// Calendar arithmetic on dates, in the proleptic Gregorian calendar: the one place that
/// knows month lengths and leap years.
extension CalendarDate {
    /// 28 to 31 days; February has 29 in a year divisible by 4, except a century not divisible by 400.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The date `days` later (earlier for a negative count), or nil when it falls outside the
    /// years a date may have (1900...2200): the caller says what that means for it.
    public func adding(days: Int) -> CalendarDate? {
        let (target, overflow) = dayNumber.addingReportingOverflow(days)
        return overflow ? nil : CalendarDate(dayNumber: target)
    }

    /// The same day `months` later (earlier for a negative count); a day the target month
    /// lacks becomes its last day (31 January + 1 month: 28 or 29 February). The result must
    /// lie within 1900...2200.
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months   // months since January of year 0
        let y = index / 12, m = index % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))!
    }

    /// The same day `years` later (29 February becomes 28 February in a common year).
    public func adding(years: Int) -> CalendarDate { adding(months: years * 12) }

    /// Days since 1 March of year 0. The year is counted from March so that the leap day,
    /// if any, is the last day of a year; years are 1900 or later, so every division here
    /// rounds down.
    private var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        return y * 365 + y / 4 - y / 100 + y / 400 + dayOfYear
    }

    /// The date of a day number (the inverse of `dayNumber`); nil outside 1900...2200.
    private init?(dayNumber: Int) {
        guard dayNumber >= 0 else { return nil }
        // 400 Gregorian years are exactly 146097 days; within them, the year and the day of the year.
        let era = dayNumber / 146_097, dayOfEra = dayNumber % 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153   // 0: March ... 11: February
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: era * 400 + yearOfEra + (month <= 2 ? 1 : 0), month: month, day: dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
    }
}

package locale

import "fmt"

var (
	lunarMonths = [...]string{"", "正月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "冬月", "腊月"}
	lunarDays   = [...]string{"",
		"初一", "初二", "初三", "初四", "初五", "初六", "初七", "初八", "初九", "初十",
		"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
		"廿一", "廿二", "廿三", "廿四", "廿五", "廿六", "廿七", "廿八", "廿九", "三十"}
)

// LunarDate writes a date of the Chinese lunar calendar the way people say it: 农历1975年闰八月十五
// in Chinese, "lunar 1975 leap 8/15" in English. Year 0 means unknown and is left out. Out-of-range
// months or days (which validation prevents) fall back to digits rather than panicking.
func (p *Printer) LunarDate(year, month, day int, leap bool) string {
	if p.Lang == ZH {
		s := "农历"
		if year != 0 {
			s += fmt.Sprintf("%d年", year)
		}
		if leap {
			s += "闰"
		}
		if month >= 1 && month <= 12 && day >= 1 && day <= 30 {
			return s + lunarMonths[month] + lunarDays[day]
		}
		return s + fmt.Sprintf("%d月%d日", month, day)
	}
	s := "lunar "
	if year != 0 {
		s += fmt.Sprintf("%d ", year)
	}
	if leap {
		s += "leap "
	}
	return s + fmt.Sprintf("%d/%d", month, day)
}

// SolarMonthDay writes a solar birthday: 1975-08-15, or 08-15 when the year is unknown.
func (p *Printer) SolarMonthDay(year, month, day int) string {
	if year == 0 {
		return fmt.Sprintf("%02d-%02d", month, day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day)
}

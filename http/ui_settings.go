package kamhttp

import (
	"net/url"
	"slices"

	"kam"
	"kam/web"
)

// The settings page of the portfolio models (/settings/analytics): the thresholds of GET/PUT
// /api/v1/analytics/settings. Directors and admins edit them; a bad value comes back on the form
// with its field named and nothing stored; a save redirects (POST-redirect-GET). Everyone else
// reads them (the rules hold no customer data), so that the dashboard's classes can be understood.

// settingsFields are the settings on the form, in its order; behaviourFields those of its second
// section (LAMP groups, loyalty types, lifetime value).
var (
	settingsFields  = []string{"abc_a", "abc_b", "lead_margin", "gold_loyalty"}
	behaviourFields = []string{"lamp_core", "lamp_next", "lamp_growth", "loyal_regularity", "loyal_share", "switch_shift",
		"clv_discount", "clv_retention", "clv_years"}
)

func settingsValues(s kam.AnalyticsSettings) map[string]string {
	b := s.BehaviourSettings
	return map[string]string{"abc_a": s.ABCA, "abc_b": s.ABCB, "lead_margin": s.LeadMargin, "gold_loyalty": s.GoldLoyalty,
		"lamp_core": b.LAMPCore, "lamp_next": b.LAMPNext, "lamp_growth": b.LAMPGrowth, "loyal_regularity": b.LoyalRegularity,
		"loyal_share": b.LoyalShare, "switch_shift": b.SwitchShift, "clv_discount": b.CLVDiscount, "clv_retention": b.CLVRetention,
		"clv_years": b.CLVYears}
}

func settingsFromForm(form url.Values) kam.AnalyticsSettings {
	return kam.AnalyticsSettings{ABCA: form.Get("abc_a"), ABCB: form.Get("abc_b"), LeadMargin: form.Get("lead_margin"), GoldLoyalty: form.Get("gold_loyalty"),
		BehaviourSettings: kam.BehaviourSettings{LAMPCore: form.Get("lamp_core"), LAMPNext: form.Get("lamp_next"), LAMPGrowth: form.Get("lamp_growth"),
			LoyalRegularity: form.Get("loyal_regularity"), LoyalShare: form.Get("loyal_share"), SwitchShift: form.Get("switch_shift"),
			CLVDiscount: form.Get("clv_discount"), CLVRetention: form.Get("clv_retention"), CLVYears: form.Get("clv_years")}}
}

func settingsSpecs() []sectionSpec {
	sec := sectionSpec{title: "settings.section"}
	for _, f := range settingsFields {
		sec.fields = append(sec.fields, fieldSpec{name: f, typ: "text", required: true, hint: "settings.hint." + f, max: 12})
	}
	beh := sectionSpec{title: "settings.section.behaviour"}
	for _, f := range behaviourFields {
		beh.fields = append(beh.fields, fieldSpec{name: f, typ: "text", hint: "settings.hint." + f, max: 12})
	}
	return []sectionSpec{sec, beh}
}

// settingsPage is GET /settings/analytics.
func (u *ui) settingsPage(rq *uiReq) {
	set, err := u.s.Ledger.AnalyticsSettings(rq.r.Context())
	if err != nil {
		rq.fail(err)
		return
	}
	u.showSettings(rq, 200, settingsValues(set), nil)
}

// showSettings renders the form (directors, admins) or the read-only list (everyone else), with
// the key-account models' rules as stored.
func (u *ui) showSettings(rq *uiReq, status int, values map[string]string, errs []kam.FieldError) {
	ka, err := u.s.Ledger.KeyAccountSettings(rq.r.Context())
	if err != nil {
		rq.fail(err)
		return
	}
	page := u.settingsPageOf(rq, values, errs)
	if page.Form != nil {
		page.KeyAccounts = keyAccountSettingsForm(rq.L, ka, nil)
	} else {
		page.KeyAccountRows = keyAccountRows(rq.L, ka)
	}
	rq.render(status, "settings", page)
}

// settingsPageOf is the settings page with the thresholds' form or list.
func (u *ui) settingsPageOf(rq *uiReq, values map[string]string, errs []kam.FieldError) *web.SettingsPage {
	L := rq.L
	heading := L.T("settings.title")
	page := &web.SettingsPage{Base: rq.base(heading, "dashboard"), Heading: heading, Intro: L.T("settings.intro"),
		Sections: dashSections(L, "settings", dashPeriod{})}
	if !kam.CanEditSettings(rq.actor) {
		page.Intro = L.T("settings.read_only")
		for _, f := range append(slices.Clone(settingsFields), behaviourFields...) {
			page.Rows = append(page.Rows, web.FieldRow{Label: L.Field("settings", f), Value: values[f], Mono: true})
		}
		return page
	}
	form := &web.FormPage{Base: page.Base, Heading: heading, Action: "/settings/analytics", CancelURL: "/dashboard", Submit: L.T("form.save")}
	var general []string
	form.Sections, general = sections(L, settingsSpecs(), formState{entity: "settings", values: values, errs: errs})
	form.Errors = general
	page.Form = form
	return page
}

// settingsSave is POST /settings/analytics.
func (u *ui) settingsSave(rq *uiReq) {
	set := settingsFromForm(rq.r.PostForm)
	if err := u.s.Ledger.SaveAnalyticsSettings(rq.r.Context(), set); err != nil {
		if fe := formErrors(err); fe != nil {
			u.showSettings(rq, 422, settingsValues(set), fe)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash("/settings/analytics", "flash.settings_saved")
}

//go:build ignore

// gen_common_passwords writes common_passwords.txt: passwords people choose most often, built
// from the patterns that lead every published list of leaked passwords (the top words and names
// of the RockYou, LinkedIn and CSDN/Tianya leaks as reported in public analyses, keyboard walks,
// digit runs, Chinese pinyin favourites such as woaini1314, and those words with the suffixes
// people add: digits, years, 520/1314/666/888, ! and @123). Only entries of at least
// kam.MinPasswordLen characters are kept: shorter passwords are refused by length anyway.
//
//	go run gen_common_passwords.go > common_passwords.txt
package main

import (
	"fmt"
	"sort"
	"strings"
)

const minLen = 10

// words are the bases: the most common words, names and phrases of the public lists.
var words = strings.Fields(`
password passw0rd p@ssword p@ssw0rd passwort motdepasse contraseña parola wachtwoord
qwerty qwertyuiop qwertz azerty asdfgh asdfghjkl zxcvbn zxcvbnm qazwsx qazwsxedc
1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 1q2w3e4r 1q2w3e4r5t 1q2w3e q1w2e3r4 qweasd qweasdzxc
abc123 abcdef abcdefg abcdefgh abcd1234 a1b2c3 a1b2c3d4 aa123456 aaaaaa asd123 qwe123 zxc123
letmein welcome welcome1 hello hello123 hellokitty iloveyou iloveu loveme lovely love
monkey dragon master shadow sunshine princess football baseball basketball soccer hockey
superman batman spiderman starwars pokemon naruto trustno1 whatever freedom
michael jennifer jessica ashley daniel thomas jordan harley hunter ranger robert matthew
charlie andrew joshua michelle nicole amanda samantha anthony william justin taylor
buster tigger cookie cheese pepper ginger summer winter flower butterfly chocolate
computer internet google facebook linkedin twitter yahoo hotmail gmail outlook
access admin administrator root login guest user test tester default changeme secret
mustang corvette ferrari porsche mercedes yamaha harley
killer fuckyou fuckoff asshole bitch 
donald trump jesus christ angel angels blessed faith
master123 mypassword mypass yourpass newpassword oldpassword password1 password12
iloveyou1 iloveyou2 loveyou babygirl babyboy sweetheart
qwerty123 qwerty1234 qwertyui
zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo
woaini woaini1314 woaiwojia woaiwoziji aini1314 wodemima mima mimamima
zhangwei wangwei wangfang liwei lina zhangmin lijing wangjing liuwei zhangli
wangxiuying lixiuying zhangxiuying wangli wangjing zhangjing liqiang wangqiang
shanghai beijing shenzhen guangzhou hangzhou nanjing wuhan chengdu tianjin chongqing
china zhongguo zhonghua huawei xiaomi baidu tencent alibaba taobao weixin wechat
qq123456 qq5201314 qazwsx123 asd123456 abc123456 a123456 a123456789 aa123456789
kaixin xingfu pingan shunli facai
nihao nihaoma laopo laogong baobao beibei
dragon123 monkey123 shadow123 master123 sunshine1 princess1 football1
company office sales manager customer service system server database network
`)

// runs are sequences typed without thinking: digit runs, repeats and keyboard walks.
func runs() []string {
	out := []string{
		"1234567890", "0123456789", "9876543210", "0987654321", "12345678910", "1234567891",
		"123456789a", "a123456789", "123456789q", "q123456789", "1234567890q", "147258369",
		"1472583690", "159357159357", "123123123", "1231231234", "123321123321", "112233445566",
		"1122334455", "1212121212", "1234512345", "1234554321", "5201314520", "1314520520",
		"5201314", "1314520", "52013145201314", "3344520", "7758521", "woainimama", "woaibaba",
		"qwertyuiop", "asdfghjkl;", "zxcvbnm,./", "1qaz2wsx3edc", "1qaz@wsx", "!qaz2wsx",
		"qazwsxedcrfv", "1q2w3e4r5t6y", "q1w2e3r4t5", "1qazxsw2", "zaq1xsw2cde3",
		"qwer1234", "asdf1234", "zxcv1234", "1234qwer", "1234asdf", "1234abcd", "abcd12345",
		"!@#$%^&*()", "!@#$%^&*", "1q2w3e4r!", "p@ssw0rd!", "passw0rd!",
	}
	for d := '0'; d <= '9'; d++ {
		for n := 10; n <= 12; n++ {
			out = append(out, strings.Repeat(string(d), n))
		}
	}
	for _, l := range "abcdefghijklmnopqrstuvwxyz" {
		out = append(out, strings.Repeat(string(l), 10))
	}
	for _, s := range []string{"12", "123", "1234", "12345", "abc", "qwe", "asd", "520", "1314", "ab", "aa"} {
		for r := 2; r <= 5; r++ {
			out = append(out, strings.Repeat(s, r))
		}
	}
	return out
}

// suffixes are what people append to a word to pass a length rule.
var suffixes = []string{"", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678",
	"123456789", "!", "!!", "1!", "123!", "@123", "#123", "_123", ".123", "01", "11", "00", "666",
	"888", "999", "520", "1314", "5201314", "2008", "2010", "2012", "2015", "2016", "2017", "2018",
	"2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027", "@2024", "@2025", "@2026",
	"1990", "1991", "1992", "1993", "1994", "1995", "1996", "1997", "1998", "1999", "2000", "69", "007"}

func main() {
	set := map[string]bool{}
	add := func(s string) {
		s = strings.ToLower(s)
		if len([]rune(s)) >= minLen {
			set[s] = true
		}
	}
	for _, r := range runs() {
		add(r)
	}
	for _, w := range words {
		for _, suf := range suffixes {
			add(w + suf)
		}
		add(w + w)
		add("ilove" + w)
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	fmt.Println("# Common passwords (lower case), refused by kam.ValidatePassword. Generated by gen_common_passwords.go.")
	for _, s := range out {
		fmt.Println(s)
	}
}

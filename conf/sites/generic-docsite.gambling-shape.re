# gambling spam spliced into content, by shape: a code-like token (letters and
# three or more digits, or five or more digits) glued to a betting-site word
(?:[A-Za-z]+\d{3,}|\d{3,}[A-Za-z]+|\d{5,})[A-Za-z0-9]*\p{Han}{0,6}?(?:官方网站|官方網站|官网|官網|登录入口|登錄入口|登陆入口|老品牌|高手论坛|高手論壇|论坛|論壇|体育|體育|娱乐|娛樂|彩票|投注|电子游戏|電子遊戲|棋牌|真人)

# seo-spam patterns (one regex per line): a line holding three or more
# porn / pirate-video keywords in a list separated by | or commas.
^(?=(?:.*?[|,，]){2})(?:.*?(?:超碰|a片|A片|毛片|一级片|无码|無碼|色情|黄色电影|性爱|婷婷|影院|久久|免费观看|在线播放|在线观看|国产|欧美|日韩|亚洲|字幕|神九)){3}

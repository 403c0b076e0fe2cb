# editor intro sentence glued into a content line: starts at the line start or after a
# sentence end, offers the text to the reader and wishes it helps
(?:^|(?<=[。！？!?]))[^。！？!?]{0,40}(?:为|為)(?:大家|您)(?:精心)?(?:准备|準備|整理|收集|搜集|精选|精選|带来|帶來)了[^。！？!?]{0,60}?[,，]\s*(?:希望|希翼|希冀)(?:对|對)(?:大家|您|你)有[^。！？!?]{0,20}(?:[。！？!?…]+|$)

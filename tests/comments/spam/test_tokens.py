"""What the filter reads in a comment, whatever a commenter sends."""

from comments.spam.tokens import MAX_TOKENS, TOKEN_MAX, comment_tokens


def test_words_links_name_and_website_each_have_their_prefix():
    tokens = comment_tokens(
        text="Subscribe to my channel https://www.YouTube.com/watch?v=x",
        name="SEO Expert",
        website="https://shop.example.com/",
    )
    assert {"text:subscribe", "text:channel", "link:youtube.com"} <= set(tokens)
    assert {"name:seo", "name:expert", "site:example.com", "site:shop.example.com"} <= set(tokens)


def test_a_bare_domain_in_the_text_counts_as_a_link():
    assert "link:casino-wins.example" in comment_tokens(text="visit casino-wins.example now")


def test_no_website_is_a_token_of_its_own():
    assert "site:none" in comment_tokens(text="Hello there")


def test_case_styled_letters_and_zero_width_characters_do_not_hide_a_word():
    """Capitals, full-width letters and invisible characters: the word a reader sees."""
    for disguised in (
        "FREE",
        "\uff46\uff52\uff45\uff45",
        "fr\u200bee",
        "fr\u00adee",
        "\ufefffree\u2060",
    ):
        assert "text:free" in comment_tokens(text=disguised), disguised


def test_empty_text_gives_only_the_website_token():
    assert comment_tokens(text="") == ["site:none"]
    assert comment_tokens(text="   \n\u200b ") == ["site:none"]


def test_the_longest_comment_gives_a_bounded_number_of_short_tokens():
    """65,525 characters of distinct words: at most MAX_TOKENS tokens, none long."""
    text = " ".join(f"w{n:x}" for n in range(20000))[:65525]
    tokens = comment_tokens(text=text)
    assert len(tokens) == MAX_TOKENS
    assert max(map(len, tokens)) <= TOKEN_MAX


def test_a_very_long_word_is_one_skip_token():
    assert comment_tokens(text="x" * 65525) == ["site:none", "skip:x 20000"]


def test_every_script_gives_words_or_character_pairs():
    tokens = comment_tokens(
        text="Привет мир مرحبا שָׁלוֹם नमस्ते 안녕하세요 Tiếng ελληνικά 这是视频 ภาษาไทยดี"
    )
    for token in (
        "text:привет", "text:مرحبا", "text:שָׁלוֹם", "text:नमस्ते", "text:안녕하세요",
        "text:tiếng", "text:ελληνικά", "text:这是", "text:视频", "text:ดี",
    ):  # fmt: skip
        assert token in tokens, token


def test_emoji_are_tokens_and_never_break_a_word():
    tokens = comment_tokens(text="free🔥money 💰💰 👍🏽")
    assert {"text:free", "text:money", "sym:🔥", "sym:💰", "sym:👍"} <= set(tokens)


def test_a_malformed_link_is_skipped_not_an_error():
    assert "text:broken" in comment_tokens(text="http://[::1 broken", website="http://[")


def test_a_long_text_cannot_push_out_the_name_and_website():
    text = " ".join(f"w{n:x}" for n in range(20000))[:65525]
    tokens = comment_tokens(text=text, name="Promo", website="https://seo.example")
    assert {"name:promo", "site:seo.example"} <= set(tokens)


def test_a_text_made_to_trip_the_domain_pattern_is_read_at_once():
    """65,525 characters of "a.b." once took the domain pattern minutes."""
    assert "text:ab" in comment_tokens(text=("ab.cd." * 11000)[:65525])
    assert comment_tokens(text=("a.b." * 16382)[:65525]) == ["site:none"]

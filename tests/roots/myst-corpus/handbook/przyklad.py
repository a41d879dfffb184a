def suma(liczby):
    """Dodaje liczby."""
    wynik = 0
    for liczba in liczby:
        wynik += liczba
    return wynik

// Common given names in Germany, Portugal and English-speaking teams, for recognising
// "Maria Santos" or "Thomas Weber" without a cue. Names that are also everyday words
// when capitalised (Max, Mark, Will, August, Otto, Ernst, Rosa, Luz) are left out.
export const firstNames: ReadonlySet<string> = new Set(
  `
Alexander Andreas Anja Anke Anna Annika Antje Armin Axel Barbara Bastian Benedikt Benjamin Bernd Bernhard Birgit Björn
Brigitte Carina Carsten Christa Christian Christiane Christina Christine Christoph Claudia Cornelia Daniel Daniela David
Dennis Detlef Dieter Dirk Dominik Doris Elena Elisabeth Emily Emma Erik Erika Eva Fabian Felix Florian Franziska Frank
Friedrich Gabriele Georg Gerhard Gisela Gregor Günter Günther Hannah Hans Harald Heike Heinz Helga Helmut Hendrik Holger
Horst Hubert Ingo Ingrid Jan Jana Jens Joachim Johanna Johannes Jonas Jörg Josef Julia Julian Jürgen Karin Karl Katharina
Kathrin Katja Klaus Kerstin Kevin Kirsten Lars Laura Lea Lena Leon Lisa Lukas Manfred Manuela Marcel Marco Marcus Maria Marie
Mario Marion Markus Martin Martina Matthias Maximilian Melanie Michael Michaela Monika Nadine Nicole Niklas Nils Nina Norbert
Olaf Oliver Patrick Paul Peter Petra Philipp Rainer Ralf Ralph Regina Reinhard Renate Robert Roland Rolf Sabine Sabrina Sandra
Sarah Sebastian Silke Simon Simone Sophie Stefan Stefanie Steffen Stephan Susanne Sven Swen Tanja Thomas Thorsten Tim Tobias
Tom Torsten Udo Ulrich Ulrike Ursula Uwe Volker Walter Werner Wolfgang Yvonne
Adriana Afonso Alberto Alexandre Alice Álvaro Amélia Ana André Andreia António Armando Artur Beatriz Bernardo Bruno Carla
Carlos Carolina Catarina Cláudia Cristina Daniela Diana Diogo Duarte Eduardo Fábio Fernanda Fernando Filipa Filipe Francisco
Gabriel Gonçalo Guilherme Helena Henrique Hugo Inês Isabel Joana João Joaquim Jorge José Júlia Leonor Liliana Luís Luísa
Manuel Manuela Márcia Margarida Mariana Marta Mateus Miguel Mónica Nuno Patrícia Paula Paulo Pedro Rafael Raquel Ricardo
Rita Rodrigo Rui Salvador Samuel Sara Sérgio Sílvia Sofia Sónia Susana Tatiana Teresa Tiago Tomás Vasco Vera Vítor Vitória
Alan Alice Amanda Amy Andrew Angela Anthony Brian Catherine Charles Chris Christopher Daniel Deborah Donald Edward Elizabeth
Emily Emma Eric Gary George Hannah Helen James Jason Jennifer Jessica John Joseph Joshua Karen Kenneth Kevin Laura Linda
Lisa Margaret Mary Matthew Michelle Nancy Olivia Patricia Rachel Rebecca Richard Ryan Sarah Scott Stephen Steven Susan
Thomas Timothy William
`
    .trim()
    .split(/\s+/),
);
